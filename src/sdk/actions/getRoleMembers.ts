import { getAbiItem, type Address, type Hex } from "viem";
import { getBlockNumber, getLogs } from "viem/actions";
import { goodsTokenAbi } from "../abi/goodsToken.js";
import type { LedgerBaseClient } from "../client.js";
import { toLedgerError } from "../errors/toLedgerError.js";
import type { ReadErrorType } from "../errors/types.js";
import { readReserve, readToken, type LedgerContract } from "../internal/contracts.js";
import { roleName, type RoleName } from "../roles.js";

/** Parameters of {@link getRoleMembers}. */
export type GetRoleMembersParameters = {
  /** The first block to read role events from: the deployment's start block (0 by default). */
  fromBlock?: bigint | undefined;
  /** The block the answer is pinned to; the latest block by default. */
  blockNumber?: bigint | undefined;
  /** Blocks per `eth_getLogs` call (nodes cap the range); 10,000 by default. */
  chunkSize?: bigint | undefined;
};

/** Who holds which role, on which contract, at one block. */
export type GetRoleMembersReturnType = {
  /** The block the answer holds at. */
  blockNumber: bigint;
  /** One entry per role that has members, token roles first. */
  roles: { contract: LedgerContract; role: RoleName | undefined; roleId: Hex; members: Address[] }[];
};

/** Errors {@link getRoleMembers} can throw. */
export type GetRoleMembersErrorType = ReadErrorType;

const roleGranted = getAbiItem({ abi: goodsTokenAbi, name: "RoleGranted" });
const roleRevoked = getAbiItem({ abi: goodsTokenAbi, name: "RoleRevoked" });

/**
 * Lists the holders of every role on both contracts: it replays the `RoleGranted`/`RoleRevoked` events
 * (AccessControl emits one for every change, including the admin's two-step transfer) up to one block, then
 * confirms each member with `hasRole` at that same block, so the list is the chain's state, not the logs'.
 *
 * @param client - a ledger client.
 * @param parameters - where the deployment starts, and the block to pin the answer to.
 * @returns the block and the members of each role.
 * @example
 * ```ts
 * const { roles } = await getRoleMembers(client, { fromBlock: BigInt(deployment.startBlock) });
 * for (const r of roles) console.log(r.contract, r.role, r.members.join(", "));
 * ```
 */
export async function getRoleMembers(client: LedgerBaseClient, parameters: GetRoleMembersParameters = {}): Promise<GetRoleMembersReturnType> {
  const p = parameters;
  let blockNumber: bigint;
  try {
    blockNumber = p.blockNumber ?? (await getBlockNumber(client, { cacheTime: 0 }));
  } catch (error) {
    throw toLedgerError(error, "eth_blockNumber");
  }
  const chunk = p.chunkSize ?? 10_000n;
  const members = new Map<string, { contract: LedgerContract; roleId: Hex; accounts: Set<Address> }>();
  const contracts: [LedgerContract, Address][] = [
    ["token", client.ledger.token],
    ["reserveRegistry", client.ledger.reserveRegistry],
  ];
  for (let from = p.fromBlock ?? 0n; from <= blockNumber; from += chunk) {
    const to = from + chunk - 1n < blockNumber ? from + chunk - 1n : blockNumber;
    let logs;
    try {
      logs = await getLogs(client, { address: contracts.map(([, a]) => a), events: [roleGranted, roleRevoked], fromBlock: from, toBlock: to });
    } catch (error) {
      throw toLedgerError(error, "eth_getLogs");
    }
    for (const log of logs) {
      const contract = log.address.toLowerCase() === client.ledger.token.toLowerCase() ? "token" : "reserveRegistry";
      const roleId = log.args.role!;
      const key = `${contract}:${roleId}`;
      const entry = members.get(key) ?? { contract, roleId, accounts: new Set<Address>() };
      if (log.eventName === "RoleGranted") entry.accounts.add(log.args.account!);
      else entry.accounts.delete(log.args.account!);
      members.set(key, entry);
    }
  }
  const roles: GetRoleMembersReturnType["roles"] = [];
  for (const { contract, roleId, accounts } of members.values()) {
    const confirmed: Address[] = [];
    for (const account of accounts) {
      const holds =
        contract === "token"
          ? await readToken(client, "hasRole", [roleId, account], { blockNumber })
          : await readReserve(client, "hasRole", [roleId, account], { blockNumber });
      if (holds) confirmed.push(account);
    }
    if (confirmed.length > 0) roles.push({ contract, role: roleName(roleId), roleId, members: confirmed });
  }
  roles.sort((a, b) => (a.contract === b.contract ? 0 : a.contract === "token" ? -1 : 1));
  return { blockNumber, roles };
}
