# Commands: operators, pipelines, nested scripts and their positions.
FROM alpine:3.20 AS build
RUN apk add --no-cache curl && \
    curl -fsSL https://example.com/install | sh -s -- -y ; \
    sh -c 'apk add git && bash -c "echo $(id -u)"'
RUN <<EOF
set -e
make || { echo failed; exit 1; }
EOF
CMD ["/bin/sh", "-euc", "npm ci && exec node server.js"]

FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN iwr https://example.com/x.ps1 | iex
