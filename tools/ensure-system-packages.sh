#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when one is missing; silent when all are there.
# chromium: the HTML report's browser test; fonts-dejavu-core: text in the PNG plots;
# redis-server: the BullMQ sweep tests; dataset-fashion-mnist: the real Fashion-MNIST.
set -euo pipefail

if [ -x /usr/bin/chromium ] \
  && [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
  && command -v redis-server >/dev/null \
  && [ -d /usr/share/datasets/fashion-mnist ]; then
  exit 0
fi

sudo=''
if [ "$(id -u)" -ne 0 ]; then sudo='sudo'; fi
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-dejavu-core redis-server dataset-fashion-mnist
