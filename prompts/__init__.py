"""Prompt templates and style presets, shipped as package data."""
