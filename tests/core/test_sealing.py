"""SM4-GCM sealing: round trips of any size, and every kind of tampering refused."""
from __future__ import annotations

import io

import pytest

from core import sealing
from core.errors import UserError


@pytest.fixture(scope="module")
def key() -> sealing.SealingKey:
    return sealing.derive_key("正确的密码123")


@pytest.mark.parametrize("size", [0, 1, sealing.CHUNK - 1, sealing.CHUNK, sealing.CHUNK + 1, 3 * sealing.CHUNK + 7])
def test_round_trip_of_any_size(key, size) -> None:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    blob = sealing.seal_bytes(data, key)
    assert sealing.open_bytes(blob, "正确的密码123") == data
    assert sealing.open_bytes(blob, key) == data


def test_no_plaintext_in_the_sealed_bytes(key) -> None:
    secret = "李卫东 640104198001011235".encode()
    blob = sealing.seal_bytes(secret * 1000, key)
    assert secret not in blob and "李卫东".encode("gbk") not in blob and b"640104198001011235" not in blob


def test_a_wrong_password_is_refused(key) -> None:
    blob = sealing.seal_bytes(b"data", key)
    with pytest.raises(sealing.WrongPassword):
        sealing.open_bytes(blob, "错误的密码456")


@pytest.mark.parametrize("where", ["flip", "truncate", "drop_chunk", "swap_chunks", "header"])
def test_tampering_is_refused(key, where) -> None:
    data = b"a" * sealing.CHUNK + b"b" * sealing.CHUNK + b"c" * 10
    blob = bytearray(sealing.seal_bytes(data, key))
    start = blob.index(b"}", len(sealing.MAGIC)) + 1
    size = 4 + sealing.CHUNK + sealing.TAG
    if where == "flip":
        blob[start + 100] ^= 1
    elif where == "truncate":
        blob = blob[:-(10 + 4 + sealing.TAG)]
    elif where == "drop_chunk":
        blob = blob[:start] + blob[start + size:]
    elif where == "swap_chunks":
        blob = blob[:start] + blob[start + size:start + 2 * size] + blob[start:start + size] + blob[start + 2 * size:]
    else:
        blob[len(sealing.MAGIC) + 10] ^= 1
    with pytest.raises(UserError):
        sealing.open_bytes(bytes(blob), key)


def test_not_a_sealed_file(key) -> None:
    with pytest.raises(UserError, match="不是本程序加密的文件"):
        list(sealing.open_stream(io.BytesIO(b"PK\x03\x04 a zip"), key))


def test_password_rules(tmp_path) -> None:
    with pytest.raises(UserError):
        sealing.check_password("short")
    file = tmp_path / "pw.txt"
    file.write_text("第一行密码\n第二行\n", encoding="utf-8")
    assert sealing.read_password_file(file) == "第一行密码"
