"""The on-call roster: who is on the team (`team`), who is on duty when (`rotation`), and
the team's rules for paging (`policy`). The lowest room of `alerts`: it knows no case."""
