"""Reporting: verdicts.json, Allure labels/categories/environment, secret redaction."""
