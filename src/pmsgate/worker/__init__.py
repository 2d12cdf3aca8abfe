"""Queue set-up, the dispatcher services enqueue through, the scheduler and `worker` entry."""
