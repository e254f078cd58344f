import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Nothing here uses next/image; unoptimized keeps sharp out of the picture.
  images: { unoptimized: true },
}

export default nextConfig
