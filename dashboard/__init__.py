"""Crisis-map dashboard: the January 2022 unrest in Kazakhstan, replayed day by day."""
