"""Election nights as streams: a realistic replay generator from final results, and the real
recorded nights converted.

Imports ``racedesk.feeds`` and below; does no network I/O."""
