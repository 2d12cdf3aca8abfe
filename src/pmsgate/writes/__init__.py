"""Write jobs: validation against the vendor's rules, execution, status, retry, job logs."""
