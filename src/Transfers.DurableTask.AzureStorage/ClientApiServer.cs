using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Grpc.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P = Microsoft.DurableTask.Protobuf;

namespace Transfers.DurableTask.AzureStorage;

/// <summary>
/// The sidecar's client API, with one correction: a start request's scheduled start time
/// (<c>StartOrchestrationOptions.StartAt</c>) reaches the provider, which the sidecar drops. Azure Storage then keeps the
/// instance Pending and its start message invisible until that time, as in Durable Functions.
/// </summary>
internal sealed class ClientApiServer : TaskHubGrpcServer
{
    private readonly IOrchestrationServiceClient _client;

    /// <summary>Initializes a new instance of the <see cref="ClientApiServer"/> class.</summary>
    /// <param name="lifetime">The sidecar host's lifetime.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <param name="service">The provider.</param>
    /// <param name="client">The provider's client side.</param>
    /// <param name="options">The sidecar's mode.</param>
    public ClientApiServer(
        IHostApplicationLifetime lifetime,
        ILoggerFactory loggerFactory,
        IOrchestrationService service,
        IOrchestrationServiceClient client,
        IOptions<TaskHubGrpcServerOptions> options)
        : base(lifetime, loggerFactory, service, client, options) => _client = client;

    /// <inheritdoc/>
    public override async Task<P.CreateInstanceResponse> StartInstance(P.CreateInstanceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ScheduledStartTimestamp is null)
        {
            return await base.StartInstance(request, context);
        }

        var instance = new OrchestrationInstance
        {
            InstanceId = string.IsNullOrEmpty(request.InstanceId) ? Guid.NewGuid().ToString("N") : request.InstanceId,
            ExecutionId = Guid.NewGuid().ToString("N"),
        };
        try
        {
            await _client.CreateTaskOrchestrationAsync(new TaskMessage
            {
                Event = new ExecutionStartedEvent(-1, request.Input)
                {
                    Name = request.Name,
                    Version = request.Version,
                    OrchestrationInstance = instance,
                    ScheduledStartTime = request.ScheduledStartTimestamp.ToDateTime(),

                    // Never null: the sidecar's instance queries copy the stored tags unchecked.
                    Tags = request.Tags.ToDictionary(tag => tag.Key, tag => tag.Value),
                },
                OrchestrationInstance = instance,
            });
        }
        catch (OrchestrationAlreadyExistsException e)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, e.Message));
        }

        return new P.CreateInstanceResponse { InstanceId = instance.InstanceId };
    }
}
