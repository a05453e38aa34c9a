"""The extensions' one patching helper: replaces, wraps, remembers, and is idempotent."""

from refarch_emulator.extensions import patching


def _make_class():
    class Service:
        def call(self, value):
            return f"moto:{value}"

    return Service


def _first(original, self, value):
    return "first(" + original(self, value) + ")"


def _second(original, self, value):
    return "second(" + original(self, value) + ")"


def test_wrap_calls_the_original_and_is_idempotent():
    service = _make_class()
    moto_call = service.call
    assert patching.wrap(service, "call", _first) is moto_call
    assert patching.wrap(service, "call", _first) is moto_call  # install() twice: no double wrap
    assert service().call(1) == "first(moto:1)"
    assert patching.original(service, "call", _first) is moto_call


def test_two_wrappers_of_one_attribute_chain_in_order():
    service = _make_class()
    patching.wrap(service, "call", _first)
    patching.wrap(service, "call", _second)
    patching.wrap(service, "call", _first)
    assert service().call(2) == "second(first(moto:2))"


def test_replace_remembers_the_original_and_new_attributes():
    service = _make_class()
    moto_call = service.call

    def call(self, value):
        return f"ours:{value}"

    def added(self):
        return "added"

    assert patching.replace(service, "call", call) is moto_call
    assert patching.replace(service, "call", call) is moto_call
    assert service().call(3) == "ours:3"
    assert patching.replace(service, "added", added) is None
    assert service().added() == "added"
    shown = property(lambda self: "shown")
    assert patching.replace(service, "shown", shown) is None
    assert service().shown == "shown"
