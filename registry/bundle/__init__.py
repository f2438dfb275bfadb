"""The bundle: a folder of CSV files, one for each record type, read and written whole.

reader (text, CSV and every field) -> staging (temporary tables) -> checks (rules across
records, with those of agreement judged over a scope) -> merge (into the registry), driven
by importer; export and workbook write the registry back out; tables maps record types
onto the database tables.
"""
