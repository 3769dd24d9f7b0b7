"""Channel-neutral conversations: an Inbound in, Outbound replies out (no channel library)."""
