"""Gongkai (公开): government-information disclosure for Chinese grassroots governments."""
