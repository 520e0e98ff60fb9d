"""A real TLS handshake with Python's ssl module on 127.0.0.1: a server
presents a purepki-made chain and key, and a client that trusts only the
purepki root checks the chain and the host name."""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path
from typing import Optional

import pytest

from purepki.backend import Backend
from purepki.csr import CSRBuilder, parse_san_items, with_common_name
from purepki.keys import (
    ECPrivateKey,
    PrivateKey,
    RSAPrivateKey,
    generate_ec_key,
    generate_rsa_key,
)
from purepki.name import Name
from purepki.profiles import Purpose, self_signed_ca, sign_request

TIMEOUT = 10.0
MESSAGE = b"hello over TLS\n"


@pytest.fixture(scope="session")
def ec_key() -> ECPrivateKey:
    return generate_ec_key()


@pytest.fixture(scope="session")
def rsa_key() -> RSAPrivateKey:
    return generate_rsa_key()


def write_chain(
    directory: Path,
    root_key: PrivateKey,
    server_key: PrivateKey,
    backend: Backend,
) -> tuple[Path, Path, Path]:
    """Write root.pem, the server's chain (leaf then intermediate) and
    its key; return their paths."""
    root = self_signed_ca(
        root_key, Name.build([("CN", "Handshake Root")]), backend=backend
    )
    intermediate_key = generate_ec_key()
    intermediate_request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "Handshake Intermediate")]))
        .sign(intermediate_key, backend=backend)
    )
    intermediate = sign_request(
        intermediate_request,
        root,
        root_key,
        purpose=Purpose.CA,
        path_length=0,
        backend=backend,
    )
    names = with_common_name(parse_san_items("127.0.0.1"), "localhost")
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "localhost")]))
        .subject_alternative_names(names)
        .sign(server_key, backend=backend)
    )
    leaf = sign_request(
        request,
        intermediate,
        intermediate_key,
        purpose=Purpose.SERVER,
        backend=backend,
    )
    root_path = directory / "root.pem"
    chain_path = directory / "chain.pem"
    key_path = directory / "server.key"
    root_path.write_text(root.to_pem())
    chain_path.write_text(leaf.to_pem() + intermediate.to_pem())
    key_path.write_text(server_key.to_pem())
    return root_path, chain_path, key_path


class EchoServer:
    """A one-connection TLS echo server on an ephemeral port of
    127.0.0.1, run in a thread; records the error the handshake ended
    with, if any."""

    def __init__(self, chain: Path, key: Path) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(str(chain), str(key))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(TIMEOUT)
        self.port = self.listener.getsockname()[1]
        self.error: Optional[BaseException] = None
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> EchoServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.thread.join(TIMEOUT)
        self.listener.close()
        assert not self.thread.is_alive(), "server thread did not finish"

    def _serve(self) -> None:
        try:
            connection, _ = self.listener.accept()
        except OSError as error:
            self.error = error
            return
        connection.settimeout(TIMEOUT)
        try:
            with self.context.wrap_socket(connection, server_side=True) as tls:
                data = tls.recv(1024)
                tls.sendall(data)
        except (OSError, ssl.SSLError) as error:
            self.error = error
        finally:
            connection.close()


def client_context(root: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(root))
    assert context.check_hostname
    assert context.verify_mode == ssl.CERT_REQUIRED
    return context


def exchange(context: ssl.SSLContext, port: int, host_name: str) -> bytes:
    raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    with raw, context.wrap_socket(raw, server_hostname=host_name) as tls:
        tls.sendall(MESSAGE)
        received = b""
        while len(received) < len(MESSAGE):
            chunk = tls.recv(1024)
            if not chunk:
                break
            received += chunk
        return received


@pytest.mark.parametrize("host_name", ["localhost", "127.0.0.1"])
@pytest.mark.parametrize("kind", ["ec", "rsa"])
def test_handshake_with_purepki_chain(
    tmp_path: Path,
    ec_key: ECPrivateKey,
    rsa_key: RSAPrivateKey,
    backend: Backend,
    kind: str,
    host_name: str,
) -> None:
    server_key: PrivateKey = ec_key if kind == "ec" else rsa_key
    root, chain, key = write_chain(tmp_path, ec_key, server_key, backend)
    with EchoServer(chain, key) as server:
        received = exchange(client_context(root), server.port, host_name)
    assert received == MESSAGE
    assert server.error is None


def test_handshake_rejects_other_host_name(
    tmp_path: Path, ec_key: ECPrivateKey, backend: Backend
) -> None:
    root, chain, key = write_chain(tmp_path, ec_key, ec_key, backend)
    server = EchoServer(chain, key)
    failure = pytest.raises(ssl.SSLCertVerificationError)
    with server, failure as info:
        exchange(client_context(root), server.port, "other.example.test")
    assert "other.example.test" in str(info.value)
    assert server.error is not None


def test_handshake_rejects_unknown_root(
    tmp_path: Path, ec_key: ECPrivateKey, backend: Backend
) -> None:
    _, chain, key = write_chain(tmp_path, ec_key, ec_key, backend)
    other = tmp_path / "other"
    other.mkdir()
    other_root, _, _ = write_chain(other, generate_ec_key(), ec_key, backend)
    server = EchoServer(chain, key)
    failure = pytest.raises(ssl.SSLCertVerificationError, match="issuer")
    with server, failure:
        exchange(client_context(other_root), server.port, "localhost")
