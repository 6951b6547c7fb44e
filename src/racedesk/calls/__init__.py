"""Race calls: estimates in, calls or holds (with their reasons) out. The rules are data. No I/O."""
