# syntax=docker/dockerfile:1.7
# escape=`
# check=error=true

ARG GO_VERSION=1.22
ARG REGISTRY=docker.io

# Build stage
FROM --platform=$BUILDPLATFORM ${REGISTRY}/library/golang:${GO_VERSION}-alpine AS build
ARG GO_VERSION
ENV CGO_ENABLED=0 GOFLAGS="-trimpath -mod=readonly"
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache/go-build `
    --mount=type=bind,source=go.mod,target=go.mod `
    apk add --no-cache git && `
    go mod download
COPY <<EOF /src/main.go
package main

func main() { println("hello from $GO_VERSION") }
EOF
RUN <<-'SCRIPT' sh
	set -eu
	go build -o /out/app ./...
	SCRIPT

FROM build AS test
RUN go test ./... > /dev/null

FROM alpine:3.19@sha256:51b67269f354137895d43f3b3d810bfacd3945438e94dc5ac55fdac340352f48
LABEL org.opencontainers.image.title="app" version=1
COPY --from=build --chown=10001:10001 --chmod=0555 /out/app /usr/local/bin/app
EXPOSE 8080/tcp
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/app", "-health"]
ENTRYPOINT ["/usr/local/bin/app"]
CMD ["--serve"]
