"""Use cases: importing plans, managing units, and (later) dispatch, reports and digests."""
