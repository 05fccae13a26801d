"""Read-only queries behind the analytics pages; each costs a fixed number of SQL queries."""
