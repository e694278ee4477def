"""The pipeline facade: ingest a source end to end, describe the data's quality."""
