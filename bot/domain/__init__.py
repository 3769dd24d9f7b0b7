"""Pure domain logic: plan rows, unit names, deadlines, periods. No I/O, no project imports."""
