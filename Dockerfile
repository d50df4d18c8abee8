# syntax=docker/dockerfile:1
# The gateway's image: built with the pinned toolchain, run as a non-root user on a slim
# base holding nothing but the binary and CA certificates (for the JWKS fetch over https).
#   docker build -t partnerworld-gateway:0.1.0 .

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
# Cache mounts keep the registry and build artefacts between image builds.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --locked --release -p api --bin partnerworld \
 && cp target/release/partnerworld /partnerworld

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /partnerworld /usr/local/bin/partnerworld
# The chart runs the same user with a read-only root file system.
USER 65532:65532
ENV LISTEN_ADDR=0.0.0.0:8080 LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/partnerworld"]
CMD ["serve"]
