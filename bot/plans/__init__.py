"""Plans (分工方案): importing a plan file into the register, units and their names."""
