"""API fields shared by the apps' serializers."""

from rest_framework import serializers


class CodeRelatedField(serializers.SlugRelatedField):
    """A lookup by code that refuses a NUL before it reaches the database (PostgreSQL cannot
    compare text with NUL in it and would answer with a server error)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)
