import { expect } from "chai";
import { encodeAbiParameters, toEventSelector } from "viem";
import { decodeLogs } from "../../src/indexer/decode.js";
import { buildModel } from "../../src/trace/model.js";
import { alerts } from "../../src/trace/alerts.js";

const token = "0x00000000000000000000000000000000000000aa";
const reserve = "0x00000000000000000000000000000000000000bb";

/** A synthetic ReserveRegistry log, as eth_getLogs returns it (INTERFACES.md: two uint256, none indexed). */
function coverageLog(name: "ReserveShortfall" | "ReserveShortfallRecovered", block: number, valid: bigint, supply: bigint) {
  return {
    address: reserve,
    topics: [toEventSelector(`${name}(uint256,uint256)`)],
    data: encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [valid, supply]),
    blockNumber: `0x${block.toString(16)}`, blockHash: `0x${"11".repeat(32)}`, transactionHash: `0x${block.toString(16).padStart(64, "0")}`,
    transactionIndex: "0x0", logIndex: "0x0",
  };
}

describe("indexer › reserve coverage events (INTERFACES.md) feed the reserve-shortfall alert", function () {
  it("decodes ReserveShortfall / ReserveShortfallRecovered with exact figures, and the alert reads them", function () {
    const big = 2n ** 70n + 3n;
    const { events } = decodeLogs(
      [coverageLog("ReserveShortfall", 4, big - 1n, big), coverageLog("ReserveShortfallRecovered", 9, big, big)],
      token,
      (b) => 1_700_000_000 + b * 12,
    );
    expect(events.map((e) => [e.contract, e.name, e.block, e.timestamp, e.args])).to.deep.equal([
      ["reserve", "ReserveShortfall", 4, 1_700_000_048, { validReserves: (big - 1n).toString(), outstandingSupply: big.toString() }],
      ["reserve", "ReserveShortfallRecovered", 9, 1_700_000_108, { validReserves: big.toString(), outstandingSupply: big.toString() }],
    ]);
    const model = buildModel([], events, { block: 10, hash: null, timestamp: null });
    const [alert, ...rest] = alerts(model, { types: ["reserve-shortfall"] });
    expect(rest).to.deep.equal([]);
    expect([alert!.at, alert!.coverage]).to.deep.equal([events[0]!.checkpoint, { validReserves: big - 1n, outstandingSupply: big, shortfall: 1n, recoveredAt: events[1]!.checkpoint }]);
  });
});
