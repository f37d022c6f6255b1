"""One module per brochure section, each turning the event model into flowables.

The contract: `flowables(ctx) -> list[Flowable]`, reading its design from `ctx.theme`
(colours, type, whether it starts a page); dokureport.compose orders them.
"""
