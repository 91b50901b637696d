# A static sparkmine binary on a distroless base, for Kubernetes Indexed Jobs
# and AWS Batch array jobs (see deploy/ and the README).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /sparkmine ./cmd/sparkmine

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /sparkmine /sparkmine
ENTRYPOINT ["/sparkmine"]
