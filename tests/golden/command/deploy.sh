#!/bin/sh
# A deploy script: one command per flag family, variables left unknown.
set -eu
docker run -d --name web --user 10001:10001 --read-only \
  --cap-drop ALL --cap-add NET_BIND_SERVICE \
  --security-opt no-new-privileges --security-opt seccomp=unconfined \
  -v /srv/www:/usr/share/nginx/html:ro --mount type=tmpfs,dst=/tmp,tmpfs-size=64m \
  -p 127.0.0.1:8080:80 -e MODE=prod --env-file ./web.env \
  -m 256m --cpus=0.5 --pids-limit 100 --restart unless-stopped \
  --health-cmd 'curl -f http://localhost/' --health-interval 30s \
  nginx:1.27 nginx -g 'daemon off;'
sudo podman run --rm -it --userns=keep-id --network=host \
  -v "$HOME/.ssh:/root/.ssh" docker.io/library/alpine:3.20 sh
docker compose -f compose.yaml run --rm -u 0 --entrypoint /bin/sh app -c 'pytest'
nerdctl run --privileged --pid host --frobnicate "$(date)" busybox:1.36
