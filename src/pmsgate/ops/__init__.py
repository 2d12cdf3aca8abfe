"""Operations endpoints: liveness, readiness and the API reference served offline."""
