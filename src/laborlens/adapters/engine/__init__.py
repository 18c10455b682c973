"""Engines: where screening runs (this process, the local cores, a Spark cluster); see base.py."""
