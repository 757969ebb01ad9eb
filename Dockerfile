# One image for every Fleetline service; docker-compose.yml picks the command (npm run gateway, pipeline, …).
FROM node:20-bookworm-slim
WORKDIR /app
# With internet access npm fetches librdkafka prebuilt; these libraries let it build from source otherwise.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ zlib1g-dev libssl-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
USER node
CMD ["npm", "run", "-s", "gateway"]
