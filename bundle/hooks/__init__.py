"""PyInstaller hooks used by build.spec (hookspath)."""
