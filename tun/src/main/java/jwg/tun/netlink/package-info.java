/** rtnetlink(7) requests — link up/down, MTU, addresses, routes — built in preallocated segments. */
package jwg.tun.netlink;
