export interface PageServerState {
  active: number; maxActive: number; served: number; aborted: number; failAt: number; hang: boolean; reports: number;
}
export interface PageServer {
  url: string;
  state: PageServerState;
  reset(): void;
  close(): Promise<void>;
}
export function startPageServer(options?: { slowEvery?: number; slowMs?: number; delayMs?: number }): Promise<PageServer>;
