"""`duban rollup`: many districts and periods in one DuckDB database, with a city ledger and page (docs/rollup.md)."""
