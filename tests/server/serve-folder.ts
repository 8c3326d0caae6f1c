// Serves the folder named on the command line with the studio's static server, prints its URL, and
// stops on SIGTERM: lets a test measure the server's own memory in a child process.
import { startStaticServer } from '../../scripts/static-server';

const server = await startStaticServer({ root: process.argv[2] });
console.log(server.url);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
