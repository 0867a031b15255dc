"""Social listening pipeline: the library behind `app.py`.

Modules are small and named for what they do; see README.md for the map.
"""
