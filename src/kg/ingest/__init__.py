"""Bringing records in: tables (CSV with CSVW metadata) turned into sourced claims, checked
before anything is written."""
