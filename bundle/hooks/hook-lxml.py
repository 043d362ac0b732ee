"""Replaces the contributed hook for lxml, which names every lxml submodule as a hidden import (the
program needs lxml.etree only: python-docx, docxtpl, openpyxl; bundle/contents.py excludes the rest)."""
hiddenimports: list[str] = []
