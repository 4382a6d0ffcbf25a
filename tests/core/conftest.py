from tests.core.fakeapi import fake_provider

__all__ = ["fake_provider"]
