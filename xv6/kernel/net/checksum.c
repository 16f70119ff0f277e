// The Internet checksum: the ones' complement of the ones' complement sum of
// the data taken as big-endian 16-bit words (RFC 1071). Callers add several
// pieces (e.g. the UDP pseudo-header, then the datagram) with inet_sum and
// finish with inet_fold. A piece of odd length must be the last one.
#include "../types.h"
#include "net.h"

uint32
inet_sum(uint32 sum, const void *data, uint len)
{
  const uint8 *p = data;
  for(; len >= 2; len -= 2, p += 2)
    sum += ((uint32)p[0] << 8) | p[1];
  if(len)
    sum += (uint32)p[0] << 8;  // pad the odd byte with a zero
  return sum;
}

uint16
inet_fold(uint32 sum)
{
  while(sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16)~sum;
}
