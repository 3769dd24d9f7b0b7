"""Reporting (进展情况): open requests, versioned reports, the report flow in chat."""
