"""Files shipped with Duban: the sample plan used by ``duban demo`` and the tests."""
