"""Channel adapters: each turns its wire format into neutral Inbound/Outbound, nothing else."""
