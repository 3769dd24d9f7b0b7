"""Output documents: the plan register and (later) digests as xlsx, docx, csv and png."""
