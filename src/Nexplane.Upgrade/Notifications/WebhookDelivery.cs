namespace Nexplane.Upgrade.Notifications;

/// <summary>
/// How one webhook took a notification. <see cref="Webhook"/> names it without its address: webhook URLs carry
/// their token in the path, so only the number and the host are ever shown.
/// </summary>
public sealed record WebhookDelivery(string Webhook, UpgradeEventKind Event, bool Delivered, string Detail)
{
    public override string ToString() => $"{Webhook}: {Event} {(Delivered ? "delivered" : "NOT delivered")} ({Detail})";
}
