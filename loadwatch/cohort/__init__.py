"""`loadwatch cohort`: many athletes on Dask."""
