# sparkmine on a distroless base with glibc, for Kubernetes Indexed Jobs and
# AWS Batch array jobs (see deploy/ and the README). The binary links DuckDB
# through cgo (for mcp and ask), so it needs a C toolchain to build and
# glibc and libstdc++ to run: the cc image has both. For the nightly job
# alone, CGO_ENABLED=0 and distroless/static-debian12 still work.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /sparkmine ./cmd/sparkmine

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /sparkmine /sparkmine
ENTRYPOINT ["/sparkmine"]
