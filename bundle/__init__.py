"""What goes into the installable program (``build.spec``): files, modules, Qt plugins.

Plain Python, importable without PyInstaller, so tests can check the lists (tests/packaging/);
``bundle/hooks/`` holds the PyInstaller hooks that apply the Qt selection while PyInstaller runs.
"""
