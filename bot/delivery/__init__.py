"""Getting messages in and out reliably: the inbox worker, the outbox sender, the channel port."""
