"""Tests for pelatis.analytics."""
