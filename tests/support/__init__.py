"""Test support: local servers and builders shared by test folders and bench/."""
