_base_ = ['./adaptsegnet_r101_cs2crosscity-rome.py']
train_dataloader = dict(dataset=dict(target=dict(city='Tokyo')))
val_dataloader = dict(dataset=dict(city='Tokyo'))
test_dataloader = val_dataloader
